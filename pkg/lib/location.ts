/** Deep links through cockpit.location (the part of the URL after '#'). */
import type { Cockpit } from "./cockpit";

export interface AppLocation {
    path(): string[];
    go(path: string[]): void;
    watch(cb: () => void): () => void;
}

export function cockpitLocation(cockpit: Cockpit): AppLocation {
    return {
        path: () => cockpit.location.path.map((s) => s),
        go: (path) => cockpit.location.go(path),
        watch: (cb) => {
            cockpit.addEventListener("locationchanged", cb);
            return () => cockpit.removeEventListener("locationchanged", cb);
        },
    };
}
