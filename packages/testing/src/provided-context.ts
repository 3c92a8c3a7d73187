// Values the global setup hands to every test worker through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
    postgresAdminUrl: string;
    postgresTemplate: string;
    kafkaBrokers: string[];
    kafkaKind: string;
  }
}

export {};
