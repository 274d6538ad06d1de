/** Named baselines ("cluster-2026") kept in /etc/cockpit-migrate/cpu-baselines.json, to apply to new VMs later. */
import { modifyFile, type FileStore } from "../../pkg/lib/filestore";
import { _, format } from "../../pkg/lib/gettext";

export const BASELINES_PATH = "/etc/cockpit-migrate/cpu-baselines.json";

export interface SavedBaseline {
    name: string;
    hosts: string[];
    xml: string;
    model: string | null;
    savedAt: number;
}

export function parseBaselines(content: string | null): SavedBaseline[] {
    if (content === null || content.trim() === "") return [];
    let raw: unknown;
    try {
        raw = JSON.parse(content);
    } catch {
        throw new Error(format(_("$0 is not valid JSON"), BASELINES_PATH));
    }
    const list = (raw as { baselines?: unknown }).baselines;
    if (!Array.isArray(list)) throw new Error(format(_("$0 holds no list of baselines"), BASELINES_PATH));
    return list.filter(
        (b): b is SavedBaseline =>
            typeof b === "object" &&
            b !== null &&
            typeof (b as SavedBaseline).name === "string" &&
            typeof (b as SavedBaseline).xml === "string",
    );
}

export function validateBaselineName(name: string): string | null {
    if (!/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u.test(name))
        return _("1–64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit");
    return null;
}

export async function readBaselines(files: FileStore): Promise<SavedBaseline[]> {
    return parseBaselines((await files.read(BASELINES_PATH)).content);
}

/** Saves (or replaces, by name) a baseline; a concurrent change is detected by the file's tag. */
export async function saveBaseline(files: FileStore, b: SavedBaseline): Promise<void> {
    const problem = validateBaselineName(b.name);
    if (problem) throw new Error(problem);
    await modifyFile(files, BASELINES_PATH, (content) => {
        const list = parseBaselines(content).filter((x) => x.name !== b.name);
        return JSON.stringify({ version: 1, baselines: [...list, b] }, null, 2) + "\n";
    });
}

/**
 * Which VMs got which baseline through the wizard (the VM list shows it): /var/lib/cockpit-migrate/cpu-applied.json.
 */
export const APPLIED_PATH = "/var/lib/cockpit-migrate/cpu-applied.json";

export interface AppliedCpu {
    /** the VM, by UUID: its definition carries the CPU wherever it is defined (names are for display) */
    uuid: string;
    /** its name when applied, and the host it was applied on: for a reader of the file */
    domain: string;
    uri: string;
    baseline: string | null;
    model: string | null;
    at: number;
}

/** The entries of the file; those of an older version without a UUID name no VM reliably and are left out. */
export function parseApplied(content: string | null): AppliedCpu[] {
    if (content === null || content.trim() === "") return [];
    try {
        const list = (JSON.parse(content) as { applied?: unknown }).applied;
        return Array.isArray(list)
            ? list.filter(
                  (a): a is AppliedCpu =>
                      typeof a === "object" &&
                      a !== null &&
                      typeof (a as AppliedCpu).uuid === "string" &&
                      typeof (a as AppliedCpu).domain === "string" &&
                      typeof (a as AppliedCpu).uri === "string",
              )
            : [];
    } catch {
        throw new Error(format(_("$0 is not valid JSON"), APPLIED_PATH));
    }
}

export async function readApplied(files: FileStore): Promise<AppliedCpu[]> {
    return parseApplied((await files.read(APPLIED_PATH)).content);
}

/** Records (or, with `entry === null`, forgets) the CPU these VMs were given on the host at `uri`. */
export async function recordApplied(
    files: FileStore,
    uri: string,
    vms: { uuid: string; name: string }[],
    entry: { baseline: string | null; model: string | null } | null,
    now = Date.now(),
): Promise<void> {
    const ids = new Set(vms.map((vm) => vm.uuid));
    await modifyFile(files, APPLIED_PATH, (content) => {
        const rest = parseApplied(content).filter((a) => !ids.has(a.uuid));
        const added = entry
            ? vms.map((vm) => ({
                  uuid: vm.uuid,
                  domain: vm.name,
                  uri,
                  baseline: entry.baseline,
                  model: entry.model,
                  at: now,
              }))
            : [];
        return JSON.stringify({ version: 2, applied: [...rest, ...added] }, null, 2) + "\n";
    });
}

/** "VM UUID → label" for the VM list: a VM that moved keeps its label, another VM of its name does not get it. */
export function appliedLabels(applied: AppliedCpu[]): Map<string, string> {
    return new Map(
        applied.map((a) => [a.uuid, format(_("CPU baseline $0"), a.baseline ? a.baseline : (a.model ?? "?"))]),
    );
}
