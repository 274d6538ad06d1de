/**
 * The dialog of the tool that is open, if any: one at a time, each in its own error boundary. NFS, the CPU
 * baseline and maintenance are loaded only when opened (their own chunks).
 */
import { lazy, Suspense } from "react";
import { ErrorBoundary } from "./ErrorBoundary";
import { HostsDialog } from "./HostsDialog";
import { PolicyDialog } from "./PolicyDialog";
import type { ToolName } from "./AppToolbar";
import type { CpuPreset } from "./tools";
import type { KnownHostsState } from "./hooks";
import type { ListedHost } from "../hosts/list";
import { hostRefs } from "../plan/hosts";
import { _ } from "../../pkg/lib/gettext";

const NfsFlow = lazy(() => import("./storage/NfsFlow"));
const CpuBaselineWizard = lazy(() => import("./cpu/CpuBaselineWizard"));
const MaintenanceDialog = lazy(() => import("./plan/MaintenanceDialog"));

/** The open tool; the CPU baseline may come with a preset (from a failed pre-flight check). */
export type OpenTool = { tool: ToolName; preset?: CpuPreset };

interface Props {
    open: OpenTool | null;
    hosts: KnownHostsState;
    /** The selected host (evacuate and rebalance start from it). */
    host: ListedHost | undefined;
    onClose(): void;
}

export function AppDialogs({ open, hosts, host, onClose }: Props) {
    if (!open) return null;
    switch (open.tool) {
        case "hosts":
            return (
                <ErrorBoundary what={_("The known hosts dialog")} onClose={onClose}>
                    <HostsDialog hosts={hosts} onClose={onClose} />
                </ErrorBoundary>
            );
        case "policy":
            return (
                <ErrorBoundary what={_("The overcommit policy dialog")} onClose={onClose}>
                    <PolicyDialog onClose={onClose} />
                </ErrorBoundary>
            );
        case "nfs":
            return (
                <ErrorBoundary what={_("The shared storage dialog")} onClose={onClose}>
                    <Suspense fallback={null}>
                        <NfsFlow onClose={onClose} />
                    </Suspense>
                </ErrorBoundary>
            );
        case "cpu":
            return (
                <ErrorBoundary what={_("The CPU baseline wizard")} onClose={onClose}>
                    <Suspense fallback={null}>
                        <CpuBaselineWizard onClose={onClose} {...(open.preset ? { preset: open.preset } : {})} />
                    </Suspense>
                </ErrorBoundary>
            );
        case "evacuate":
        case "rebalance":
            return host ? (
                <ErrorBoundary what={_("The maintenance dialog")} onClose={onClose}>
                    <Suspense fallback={null}>
                        <MaintenanceDialog
                            mode={open.tool}
                            hostId={host.id}
                            onClose={onClose}
                            refs={hostRefs(hosts.data?.hosts ?? [])}
                        />
                    </Suspense>
                </ErrorBoundary>
            ) : null;
    }
}
