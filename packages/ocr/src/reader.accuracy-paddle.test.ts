// PP-OCR accuracy, part 1 of 2 (see test/fixtures/id-card/accuracy.ts): the geometric variants and the back side.
import { accuracySuite } from '../../../test/fixtures/id-card/accuracy.js';

accuracySuite('geometry', ['clean', 'rotation', 'perspective', 'blur'], ['clean', 'photo-like'], 'paddle');
