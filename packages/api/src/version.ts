export const TANDEM_VERSION = '0.1.0';
