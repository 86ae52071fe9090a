/** The part of `@elastic/mockotlpserver` the tests use (the package ships no declarations). */
declare module '@elastic/mockotlpserver' {
  export class MockOtlpServer {
    constructor(opts: {
      services?: ('http' | 'grpc' | 'ui')[];
      httpHostname?: string;
      httpPort?: number;
      logLevel?: string;
      onTrace?: (trace: never) => void;
    });
    httpUrl: URL;
    start(): Promise<void>;
    close(): Promise<void>;
  }
}
