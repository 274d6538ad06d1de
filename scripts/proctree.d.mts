export function descendants(pid: number): { pid: number; start: string }[];
export function trackDescendants(pid: number, everyMs?: number): { look(): void; end(): void };
