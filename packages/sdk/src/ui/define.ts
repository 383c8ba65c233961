// Registers <dualrec-flow> on import (the one module with a side effect; package.json lists it).
import { defineDualrecFlow } from './flow-element.js';

defineDualrecFlow();
