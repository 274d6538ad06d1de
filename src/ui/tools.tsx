/** The page's tools that other views can open (e.g. a failed pre-flight check links to the fix). */
import { createContext, useContext } from "react";
import type { DomainUuid } from "../domains/types";

export interface CpuPreset {
    /** The VM's name, for display; it is found by its UUID. */
    domain: string;
    uuid: DomainUuid;
    sourceUri: string;
    destinationUri: string;
}

export interface Tools {
    openCpuBaseline?(preset?: CpuPreset): void;
    openNfs?(): void;
    /** A tool opened from a dialog is on screen: that dialog steps aside until it closes (two open PatternFly
     *  modals hide each other from screen readers: each re-render of one sets aria-hidden on the other). */
    covered?: boolean;
}

export const ToolsContext = createContext<Tools>({});

export function useTools(): Tools {
    return useContext(ToolsContext);
}
