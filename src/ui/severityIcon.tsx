/** The icon of a check's severity, as every list of checks shows it (pre-flight, the NFS flow's checks). */
import { Icon } from "@patternfly/react-core";
import {
    CheckCircleIcon,
    ExclamationCircleIcon,
    ExclamationTriangleIcon,
    InfoCircleIcon,
} from "@patternfly/react-icons";
import type { Severity } from "../preflight/types";

export const SEVERITY_ICON: Record<Severity, React.ReactNode> = {
    pass: (
        <Icon status="success">
            <CheckCircleIcon />
        </Icon>
    ),
    info: (
        <Icon status="info">
            <InfoCircleIcon />
        </Icon>
    ),
    warning: (
        <Icon status="warning">
            <ExclamationTriangleIcon />
        </Icon>
    ),
    error: (
        <Icon status="danger">
            <ExclamationCircleIcon />
        </Icon>
    ),
};
