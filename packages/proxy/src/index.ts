export { ProxyServer, type ProxyOptions } from './proxy-server.ts';
