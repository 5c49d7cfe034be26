// Constants shared by the scripts injected into every page. No imports: what is injected stays tiny.

/** Markers on window messages between the MAIN-world script and the bridge. */
export const TO_BRIDGE = 'okap:bridge';
export const TO_PAGE = 'okap:page';
export const PORT_NAME = 'okap-page';
