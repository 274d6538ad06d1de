/** Validation of what an admin types for a host. Returns a message, or null when valid. */
import type { KnownHost, Transport } from "./types";
import { _ } from "../../pkg/lib/gettext";

const HOSTNAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+(%[A-Za-z0-9_.-]+)?$/;
const USER = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;

export function validateAddress(address: string): string | null {
    if (address.trim() === "") return _("Enter a host name or IP address");
    if (address !== address.trim()) return _("Remove the spaces around the address");
    if (IPV4.test(address)) return null;
    if (address.includes(":"))
        return IPV6.test(address) && address.split(":").length >= 3 ? null : _("Not a valid IPv6 address");
    if (HOSTNAME.test(address) && !/^\d+(\.\d+)*$/.test(address)) return null;
    return _("Not a valid host name: use letters, digits, hyphens and dots");
}

export function validateUser(user: string): string | null {
    if (user === "") return _("Enter the SSH user (usually root: migration needs root on both hosts)");
    return USER.test(user) ? null : _("Not a valid user name");
}

export function validatePort(port: number | undefined): string | null {
    if (port === undefined) return null;
    return Number.isInteger(port) && port >= 1 && port <= 65535 ? null : _("A port is a number from 1 to 65535");
}

export const TRANSPORTS: readonly Transport[] = ["ssh", "tls", "tcp"];

export interface HostErrors {
    address?: string;
    sshUser?: string;
    sshPort?: string;
    libvirtPort?: string;
    migrationAddress?: string;
    transport?: string;
}

export function validateHost(h: KnownHost): HostErrors {
    const errors: HostErrors = {};
    const a = validateAddress(h.address);
    if (a) errors.address = a;
    const u = validateUser(h.sshUser);
    if (u) errors.sshUser = u;
    const p = validatePort(h.sshPort);
    if (p) errors.sshPort = p;
    const lp = validatePort(h.libvirtPort);
    if (lp) errors.libvirtPort = lp;
    if (h.migrationAddress) {
        const m = validateAddress(h.migrationAddress);
        if (m) errors.migrationAddress = m;
    }
    if (!TRANSPORTS.includes(h.transport)) errors.transport = _("Choose ssh, tls or tcp");
    return errors;
}

export function hasErrors(e: HostErrors): boolean {
    return Object.keys(e).length > 0;
}
