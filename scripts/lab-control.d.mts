interface Paths { configPath?: string; state?: string }
export const LAB_STATE: string;
export const HOSTS_CONFIG: string;
export function lab(...args: string[]): unknown;
export function labUp(): void;
export function labDown(): void;
export function labKnownHosts(state?: string): object[];
export function labAddKnownHosts(paths?: Paths): void;
export function labForgetKnownHosts(paths?: Paths): void;
