// Constants shared by the scripts injected into every page. No imports: what is injected stays tiny.

/** Markers on window messages between the MAIN-world script and the bridge. */
export const TO_BRIDGE = 'okap:bridge';
export const TO_PAGE = 'okap:page';
export const PORT_NAME = 'okap-page';

/** The reserved, never-resolving host apps are given in local mode; only window.okap.fetch reaches it. */
export const VAULT_BASE = 'https://okap.invalid/v1/';
