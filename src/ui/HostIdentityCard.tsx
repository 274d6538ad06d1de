import {
    Card,
    CardBody,
    CardTitle,
    DescriptionList,
    DescriptionListDescription,
    DescriptionListGroup,
    DescriptionListTerm,
    Skeleton,
} from "@patternfly/react-core";
import type { HostIdentity } from "../domains/types";
import { _ } from "../../pkg/lib/gettext";

const FIELDS: [keyof HostIdentity, string][] = [
    ["hostname", _("Host name")],
    ["libvirtVersion", _("libvirt")],
    ["hypervisor", _("Hypervisor")],
    ["hostUuid", _("Host UUID")],
    ["cpuModel", _("CPU model")],
];

export function HostIdentityCard({ uri, identity }: { uri: string; identity: Partial<HostIdentity> }) {
    return (
        <Card isCompact aria-label={_("Host identity")}>
            <CardTitle>{_("Host")}</CardTitle>
            <CardBody>
                <DescriptionList isHorizontal isCompact className="cm-identity" columnModifier={{ default: "2Col" }}>
                    <DescriptionListGroup>
                        <DescriptionListTerm>{_("Connection")}</DescriptionListTerm>
                        <DescriptionListDescription>{uri}</DescriptionListDescription>
                    </DescriptionListGroup>
                    {FIELDS.map(([key, label]) => (
                        <DescriptionListGroup key={key}>
                            <DescriptionListTerm>{label}</DescriptionListTerm>
                            <DescriptionListDescription aria-label={label}>
                                {identity[key] === undefined ? (
                                    <Skeleton width="10em" screenreaderText={_("Loading")} />
                                ) : (
                                    (identity[key] ?? "—") +
                                    (key === "cpuModel" && identity.cpuVendor ? ` (${identity.cpuVendor})` : "")
                                )}
                            </DescriptionListDescription>
                        </DescriptionListGroup>
                    ))}
                </DescriptionList>
            </CardBody>
        </Card>
    );
}
