// PP-OCR accuracy, part 2 of 2 (see test/fixtures/id-card/accuracy.ts): the photometric variants.
import { accuracySuite } from '../../../test/fixtures/id-card/accuracy.js';

accuracySuite('photometric', ['jpeg60', 'uneven-light', '640px', 'photo-like', 'real-photo'], [], 'paddle');
