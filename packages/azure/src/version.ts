/** The suite's version, sent in the user agent; a test keeps it equal to package.json's. */
export const azpnVersion = '0.1.0';
