/** Named baselines ("cluster-2026") kept in /etc/cockpit-migrate/cpu-baselines.json, to apply to new VMs later. */
import { modifyFile, type FileStore } from "../hosts/config";

export const BASELINES_PATH = "/etc/cockpit-migrate/cpu-baselines.json";

export interface SavedBaseline { name: string; hosts: string[]; xml: string; model: string | null; savedAt: number }

export function parseBaselines(content: string | null): SavedBaseline[] {
    if (content === null || content.trim() === "") return [];
    let raw: unknown;
    try { raw = JSON.parse(content) } catch { throw new Error(`${BASELINES_PATH} is not valid JSON`) }
    const list = (raw as { baselines?: unknown }).baselines;
    if (!Array.isArray(list)) throw new Error(`${BASELINES_PATH} holds no list of baselines`);
    return list.filter((b): b is SavedBaseline => typeof b === "object" && b !== null && typeof (b as SavedBaseline).name === "string" && typeof (b as SavedBaseline).xml === "string");
}

export function validateBaselineName(name: string): string | null {
    if (!/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u.test(name)) return "1–64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit";
    return null;
}

export async function readBaselines(files: FileStore): Promise<SavedBaseline[]> {
    return parseBaselines((await files.read(BASELINES_PATH)).content);
}

/** Saves (or replaces, by name) a baseline; a concurrent change is detected by the file's tag. */
export async function saveBaseline(files: FileStore, b: SavedBaseline): Promise<void> {
    const problem = validateBaselineName(b.name);
    if (problem) throw new Error(problem);
    await modifyFile(files, BASELINES_PATH, content => {
        const list = parseBaselines(content).filter(x => x.name !== b.name);
        return JSON.stringify({ version: 1, baselines: [...list, b] }, null, 2) + "\n";
    });
}
