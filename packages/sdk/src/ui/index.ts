// `@dualrec/sdk/ui`: the <dualrec-flow> element (lit). Import it for its side effect-free class and
// call defineDualrecFlow() once, or import `@dualrec/sdk/ui/define` to register it on import.
export { DualrecFlowElement, defineDualrecFlow } from './flow-element.js';
