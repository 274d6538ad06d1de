/**
 * An error explained to the admin: what went wrong (title), the evidence (detail: the tool's own
 * words, when shown apart) and what to do (fix). Connection errors, migration failures, NFS step
 * failures and preflight check results all carry this shape.
 */
export interface Explanation {
    title: string;
    detail?: string;
    fix?: string;
}

/** A failure always says what to do. */
export interface Explained extends Explanation {
    fix: string;
}
