/** What the views need from the outside world, provided once by the entry point. */
import { createContext, useContext } from "react";
import type { Runner } from "../../pkg/lib/runner";
import type { AppLocation } from "../../pkg/lib/location";
import type { FileStore } from "../../pkg/lib/filestore";

export interface Services {
    runner: Runner;
    files: FileStore;
    location: AppLocation;
    /** Subscribes to administrative access changes; returns an unsubscribe function. */
    watchAdmin(cb: (allowed: boolean | null) => void): () => void;
    /** The Cockpit login name, for the migration history. */
    userName(): Promise<string | null>;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
    const s = useContext(ServicesContext);
    if (!s) throw new Error("ServicesContext is not provided");
    return s;
}
