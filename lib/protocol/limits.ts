/** Bounds on what a page may send. They keep the approval window readable and the background cheap to run. */
export const MAX_REQUEST_BYTES = 64 * 1024;
export const MAX_AUTHORIZATION_DETAILS = 10;
export const MAX_LIST_ITEMS = 100;
export const MAX_LIST_ITEM_LENGTH = 200;
export const MAX_CLIENT_NAME_LENGTH = 100;
export const MAX_REASON_LENGTH = 500;
export const MAX_URL_LENGTH = 2048;
/** A real request nests four levels deep; anything far deeper is an attack on the parser, not a request. */
export const MAX_DEPTH = 32;
