/**
 * Moved to src/input/ (issue 13): reading pasted text is not MQTT. This re-export keeps imports
 * that still name the old path working until every caller has moved; import from
 * src/input/index.ts in new code.
 */
export { parseHexInput, HexInputError, toHex, toCArray, type HexInputFormat, type HexInputOptions, type HexInputResult } from '../input/index.ts';
