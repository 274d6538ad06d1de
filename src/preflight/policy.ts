/**
 * The admin's overcommit policy for destinations, in the spirit of OpenShift's
 * ClusterResourceOverride: how much guest memory and how many vCPUs a host may be promised,
 * as a percentage of what it has. Stored in /etc/cockpit-migrate/policy.json.
 */
import { modifyFile, type FileStore } from "../../pkg/lib/filestore";
import { _, format } from "../../pkg/lib/gettext";

export const POLICY_PATH = "/etc/cockpit-migrate/policy.json";

export interface OvercommitPolicy {
    /** Guest memory committed on a host may reach this % of its memory (100 = no overcommit). */
    memoryCommitPercent: number;
    /** vCPUs of running guests may reach this % of the host's CPUs (400 = 4 vCPUs per CPU). */
    cpuCommitPercent: number;
    /** Memory kept free for the host itself, in MiB, before guests are counted. */
    hostReserveMiB: number;
}

export const DEFAULT_POLICY: OvercommitPolicy = {
    memoryCommitPercent: 100,
    cpuCommitPercent: 400,
    hostReserveMiB: 512,
};

const LIMITS: Record<keyof OvercommitPolicy, [number, number]> = {
    memoryCommitPercent: [1, 1000],
    cpuCommitPercent: [1, 10000],
    hostReserveMiB: [0, 1 << 24],
};

/** Errors per field; empty when the policy is acceptable. */
export function validatePolicy(p: OvercommitPolicy): Partial<Record<keyof OvercommitPolicy, string>> {
    const errors: Partial<Record<keyof OvercommitPolicy, string>> = {};
    for (const key of Object.keys(LIMITS) as (keyof OvercommitPolicy)[]) {
        const [min, max] = LIMITS[key];
        const v = p[key];
        if (!Number.isInteger(v) || v < min || v > max)
            errors[key] = format(_("A whole number from $0 to $1"), min, max);
    }
    return errors;
}

/** Reads the stored policy; missing fields take the defaults, a damaged file is an error (never silently replaced). */
export function parsePolicy(content: string | null): OvercommitPolicy {
    if (content === null || content.trim() === "") return { ...DEFAULT_POLICY };
    let raw: unknown;
    try {
        raw = JSON.parse(content);
    } catch {
        throw new Error(format(_("$0 is not valid JSON"), POLICY_PATH));
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
        throw new Error(format(_("$0 does not hold a policy object"), POLICY_PATH));
    const policy = { ...DEFAULT_POLICY };
    for (const key of Object.keys(DEFAULT_POLICY) as (keyof OvercommitPolicy)[]) {
        const v = (raw as Record<string, unknown>)[key];
        if (v !== undefined) policy[key] = Number(v);
    }
    const errors = validatePolicy(policy);
    const bad = Object.entries(errors)[0];
    if (bad) throw new Error(`${POLICY_PATH}: ${bad[0]}: ${bad[1]}`);
    return policy;
}

export function serializePolicy(p: OvercommitPolicy): string {
    return JSON.stringify({ version: 1, ...p }, null, 2) + "\n";
}

export async function readPolicy(files: FileStore): Promise<OvercommitPolicy> {
    return parsePolicy((await files.read(POLICY_PATH)).content);
}

/** Saves the policy; a concurrent change by someone else is detected by the file's tag. */
export async function writePolicy(files: FileStore, policy: OvercommitPolicy): Promise<void> {
    const errors = validatePolicy(policy);
    if (Object.keys(errors).length) throw new Error(_("The policy has invalid values"));
    await modifyFile(files, POLICY_PATH, () => serializePolicy(policy));
}
