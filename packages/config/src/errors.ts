/** Thrown by loadConfig; `message` names every bad variable and why, never a value. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(
      `Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  - ${i.variable}: ${i.reason}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export interface ConfigIssue {
  variable: string;
  reason: string;
}
