// The few parts of autocannon (which ships no types) the server benches use.
declare module 'autocannon' {
  interface Options {
    url: string;
    connections: number;
    duration: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  interface Result {
    latency: { p50: number; p99: number; average: number };
    requests: { average: number; total: number };
    non2xx: number;
    errors: number;
    '2xx': number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
