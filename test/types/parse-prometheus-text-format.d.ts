/** Types for `parse-prometheus-text-format` (it ships none): its output follows prom2json's. */
declare module 'parse-prometheus-text-format' {
  export interface PromSample {
    readonly labels?: Record<string, string>;
    readonly value?: string;
    readonly buckets?: Record<string, string>;
    readonly count?: string;
    readonly sum?: string;
  }
  export interface PromFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    readonly metrics: readonly PromSample[];
  }
  /** Throws on a line that is not in the text format. */
  export default function parsePrometheusTextFormat(text: string): PromFamily[];
}
