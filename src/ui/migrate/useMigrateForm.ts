/**
 * The Migrate dialog's choices: the destination (a known host or one typed in), the options as
 * chosen and as they will be used, their validation, and the virsh command they make.
 */
import { useEffect, useState } from "react";
import { isActive, type Domain } from "../../domains/types";
import type { KnownHost } from "../../hosts/types";
import { resolveDestination, type Destination } from "../../hosts/destination";
import {
    defaultOptions,
    migrateArgv,
    validateOptions,
    type MigrationOptions,
    type OptionCheck,
} from "../../migration/options";
import { withMigrationAddress } from "../../migration/address";
import { policyProblem, schedule, withSchedule, type PolicyChoice, type Schedule } from "../../migration/policies";
import { p2pRouteError } from "../../migration/channel";
import { errorText } from "../../../pkg/lib/error-text";
import { useDestinationChoices } from "../hooks";
import type { DestinationChoice } from "../../hosts/names";
import { OTHER } from "./props";

export interface MigrateForm {
    /** The destinations offered: one per machine that is not the source's (This host when the source is another). */
    candidates: DestinationChoice[];
    /** The offered destination chosen, if one is (not a host or URI typed in). */
    listed: DestinationChoice | undefined;
    /** Some destinations are held back until their machine is read (destinationChoices). */
    reading: boolean;
    /**
     * The Destination select's value: a candidate's id, OTHER for a host or URI typed in, or "" while the
     * hosts are read and the one to choose is not offered yet (no destination, no command).
     */
    choice: string;
    setChoice(v: string): void;
    typed: string;
    setTyped(v: string): void;
    dest: Destination | null;
    resolveError: string | null;
    /** The destination is the source's own URI. */
    sameHost: boolean;
    /** The options as the admin chose them, and a patch to them. */
    options: MigrationOptions;
    set(patch: Partial<MigrationOptions>): void;
    /** The options the migration uses: with the destination's migration address. */
    effective: MigrationOptions;
    check: OptionCheck;
    /** The migrate command, once a destination is chosen and the values make one; else why not (or null). */
    argv: string[] | null;
    argvError: string | null;
    /** The VM runs (or is paused): only a live migration fits it. */
    live: boolean;
    /** The convergence policy chosen (null: none, today's behaviour), its schedule, and why it makes none. */
    policy: PolicyChoice | null;
    setPolicy(p: PolicyChoice | null): void;
    schedule: Schedule | null;
    policyError: string | null;
}

/** `initialDestination`: a candidate's id (`KnownHost.id`) to choose first; see MigrateDialog. */
export function useMigrateForm(
    domain: Domain,
    sourceUri: string,
    hosts: KnownHost[],
    initialDestination?: string,
): MigrateForm {
    // one per machine, by host UUID, not by how its URI reads (this host is often also a known host); This host
    // is offered when the source is another machine
    const { choices: candidates, reading } = useDestinationChoices(sourceUri, hosts);
    const [picked, setChoice] = useState<string | null>(initialDestination ?? null);
    // the choice once it is offered; while the hosts are read, none (the first offered may not stay first, and
    // the one asked for may come); then a choice that is not a candidate falls back to the first one
    const choice =
        picked === OTHER || candidates.some((h) => h.id === picked)
            ? picked!
            : reading
              ? ""
              : (candidates[0]?.id ?? OTHER);
    const [typed, setTyped] = useState("");
    const [options, setOptions] = useState<MigrationOptions>(() => defaultOptions(domain.state));
    const [policy, setPolicy] = useState<PolicyChoice | null>(null);
    const live = isActive(domain.state);
    const policyError = policy && live ? policyProblem(policy) : null;
    const sched =
        policy && live && !policyError
            ? schedule(policy, domain.memoryKiB !== null ? domain.memoryKiB * 1024 : null, options.maxDowntimeMs)
            : null;

    const listed = candidates.find((c) => c.id === choice);
    const resolved = listed
        ? { destination: listed, error: null }
        : choice === ""
          ? { destination: null, error: null }
          : resolveDestination(choice === OTHER ? typed : choice, hosts);
    const dest = resolved.destination;
    // a policy's schedule turns on the flags it needs from the start (post-copy, auto-converge)
    const addressed = withMigrationAddress(options, dest?.known?.migrationAddress);
    const effective = sched ? withSchedule(addressed, sched) : addressed;
    const check = validateOptions(effective, {
        domainState: domain.state,
        persistent: domain.persistent,
        autostart: domain.autostart,
    });
    const sameHost = dest !== null && dest.uri === sourceUri;
    const route = dest ? p2pRouteError(effective, sourceUri, dest.uri) : null;
    if (route) check.errors.p2p = route;
    let argv: string[] | null = null;
    let argvError: string | null = null;
    if (dest && !sameHost && !policyError) {
        try {
            argv = migrateArgv(sourceUri, domain.uuid, dest.uri, effective);
        } catch (e) {
            argvError = errorText(e);
        }
    }
    // the disks to copy were chosen for one destination: another one sees other disks
    useEffect(() => {
        setOptions((o) => (o.migrateDisks === undefined ? o : { ...o, migrateDisks: undefined }));
    }, [dest?.uri]);

    return {
        candidates,
        reading,
        listed,
        choice,
        setChoice,
        typed,
        setTyped,
        dest,
        resolveError: resolved.error,
        sameHost,
        options,
        set: (patch) => setOptions((o) => ({ ...o, ...patch })),
        effective,
        check,
        argv,
        argvError,
        // the same rule as the pre-flight's and the options' (a crashed VM has no QEMU process to move live)
        live,
        policy,
        setPolicy,
        schedule: sched,
        policyError,
    };
}
