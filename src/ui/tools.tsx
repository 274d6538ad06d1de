/** The page's tools that other views can open (e.g. a failed pre-flight check links to the fix). */
import { createContext, useContext } from "react";

export interface CpuPreset { domain: string; sourceUri: string; destinationUri: string }

export interface Tools {
    openCpuBaseline?(preset?: CpuPreset): void;
    openNfs?(): void;
}

export const ToolsContext = createContext<Tools>({});

export function useTools(): Tools {
    return useContext(ToolsContext);
}
