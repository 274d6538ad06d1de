/**
 * Typed declarations for the parts of Cockpit's `cockpit.js` (served at ../base1/cockpit.js) that we use.
 * cockpit.js installs a global `cockpit`; we declare only what pkg/lib touches.
 */
export interface CockpitSpawnOptions {
    superuser?: "require" | "try";
    err?: "out" | "ignore" | "message";
    environ?: string[];
    directory?: string;
    host?: string;
}

export interface CockpitProcessError {
    problem: string | null;
    exit_status: number | null;
    exit_signal: number | null;
    message: string;
}

export interface CockpitSpawnPromise extends Promise<string> {
    input(data?: string, stream?: boolean): CockpitSpawnPromise;
    stream(cb: (data: string) => void): CockpitSpawnPromise;
    close(problem?: string): void;
}

export interface CockpitFileHandle {
    read(): Promise<string | null>;
    replace(content: string | null, expectedTag?: string): Promise<string>;
    modify(cb: (old: string | null) => string | null): Promise<string>;
    watch(cb: (content: string | null, tag: string | null, err?: unknown) => void): { remove(): void };
    close(): void;
}

export interface CockpitFileHandleWithTag extends CockpitFileHandle {
    read(): Promise<string | null> & { then: Promise<string | null>["then"] };
}

export interface CockpitLocation {
    path: string[];
    options: Record<string, string | string[]>;
    go(path: string | string[], options?: Record<string, string>): void;
    replace(path: string | string[], options?: Record<string, string>): void;
    href: string;
}

export interface CockpitPermission {
    allowed: boolean | null;
    addEventListener(ev: "changed", cb: () => void): void;
    removeEventListener(ev: "changed", cb: () => void): void;
    close(): void;
}

export interface CockpitUser {
    name: string;
    full_name: string;
    home: string;
}

export interface Cockpit {
    spawn(argv: string[], options?: CockpitSpawnOptions): CockpitSpawnPromise;
    file(
        path: string,
        options?: { superuser?: "require" | "try"; syntax?: unknown; max_read_size?: number },
    ): CockpitFileHandle;
    location: CockpitLocation;
    addEventListener(ev: "locationchanged" | "visibilitychange", cb: () => void): void;
    removeEventListener(ev: "locationchanged" | "visibilitychange", cb: () => void): void;
    permission(options?: { admin?: boolean; user?: string; group?: string }): CockpitPermission;
    user(): Promise<CockpitUser>;
    gettext(text: string): string;
    gettext(context: string, text: string): string;
    ngettext(singular: string, plural: string, n: number): string;
    format(template: string, ...args: unknown[]): string;
    transport: { host: string; options: Record<string, unknown> };
    language: string;
    manifests: Record<string, unknown>;
    translate(): void;
}

declare global {
    interface Window {
        cockpit?: Cockpit;
    }
}
