// Registers <dualrec-flow> on import (the one module with a side effect; package.json lists it).
import { defineDualrecFlow } from './flow-element.js';

defineDualrecFlow();

// Re-exported so the declaration output keeps the HTMLElementTagNameMap entry for 'dualrec-flow'.
export type { DualrecFlowElement } from './flow-element.js';
