export { type ErrorCode, errorCodes, httpStatusOf } from './errorCodes.ts';
export { isTenderError, TenderError } from './TenderError.ts';
