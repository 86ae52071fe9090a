export { type ProxyOptions, ProxyServer } from './proxy-server.ts';
