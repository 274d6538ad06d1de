/**
 * The shared test doubles: an in-memory tag-checked FileStore and a scripted Runner. One of each, so a change
 * to the FileStore or Runner contract is made (and checked) in one place.
 */
import { RunError, type RunOptions, type Runner, type RunTarget } from "../../pkg/lib/runner";
import type { FileStore } from "../../pkg/lib/filestore";

/** A reply that is a promise answers when it settles (a command that takes its time). */
export type Reply = string | RunError | ((argv: readonly string[], input?: string) => string | Promise<string>);
export interface Call {
    target: RunTarget;
    argv: readonly string[];
    input?: string;
}
/**
 * How a ScriptedRunner answers: the reply for a command (and where it runs, for a script of several hosts), or
 * undefined when the script has none for it.
 */
export type Script = (argv: readonly string[], target: RunTarget) => Reply | undefined;

/** Answers by the first rule whose pattern matches the argv joined with spaces. */
export function byPattern(rules: readonly [RegExp, Reply][]): Script {
    return (argv) => rules.find(([re]) => re.test(argv.join(" ")))?.[1];
}

/** Answers by `<uri> <subcommand>` or the virsh subcommand (`virsh -c URI SUB …`), or by the program otherwise. */
export function bySubcommand(answers: Record<string, (argv: readonly string[]) => string | Promise<string>>): Script {
    return (argv) => {
        const key = argv[0] === "virsh" ? `${argv[2]} ${argv[3]}` : argv[0]!;
        return answers[key] ?? answers[argv[0] === "virsh" ? argv[3]! : argv[0]!];
    };
}

export interface ScriptedOptions {
    /**
     * A command the script has no reply for: "throw" fails the test with a plain Error (the default); "run-error"
     * rejects as a failed command would (a RunError, exit status 1), for code that must cope with one.
     */
    unknown?: "throw" | "run-error";
}

/** A Runner that answers from a script and records every call (target, argv, input). */
export class ScriptedRunner implements Runner {
    calls: Call[] = [];
    readonly script: Script;
    constructor(
        script: readonly [RegExp, Reply][] | Script,
        private readonly options: ScriptedOptions = {},
    ) {
        this.script = typeof script === "function" ? script : byPattern(script);
    }
    async run(target: RunTarget, argv: readonly string[], options: RunOptions = {}): Promise<string> {
        this.calls.push({ target, argv, ...(options.input !== undefined ? { input: options.input } : {}) });
        const r = this.script(argv, target);
        if (r === undefined) {
            if (this.options.unknown === "run-error")
                throw new RunError("exit-status", `unexpected ${argv.join(" ")}`, argv, 1);
            throw new Error(`unexpected command: ${argv.join(" ")}`);
        }
        if (r instanceof RunError) throw r;
        const answer = typeof r === "function" ? r(argv, options.input) : r;
        const signal = options.signal;
        if (!signal) return answer;
        // an aborted call is closed, as cockpit.spawn's close("cancelled") closes it
        return new Promise<string>((resolve, reject) => {
            const cancel = () => reject(new RunError("cancelled", "Cancelled", argv));
            if (signal.aborted) cancel();
            signal.addEventListener("abort", cancel, { once: true });
            Promise.resolve(answer).then(resolve, reject);
        });
    }
    /** The argv of every call, in order (copies). */
    get argvs(): string[][] {
        return this.calls.map((c) => [...c.argv]);
    }
    ran(re: RegExp): Call[] {
        return this.calls.filter((c) => re.test(c.argv.join(" ")));
    }
}

export const failure = (stderr: string, status = 1) => new RunError("exit-status", stderr, [], status, stderr);

/**
 * An in-memory FileStore with the real one's contract: replace is refused (problem "change-conflict") unless the
 * caller has the file's current tag (null: the file must not exist). read and replace are bound, so they can be
 * passed on alone (`{ read: files.read, … }`).
 */
export class MemoryFiles implements FileStore {
    readonly files = new Map<string, { content: string; tag: string }>();
    private next = 1;
    /** Called between a read and a replace, to simulate a concurrent edit. */
    onReplace: ((path: string) => void) | null = null;
    constructor(init: Record<string, string> = {}) {
        for (const [p, c] of Object.entries(init)) this.touch(p, c);
    }
    read = async (path: string) => {
        const f = this.files.get(path);
        return { content: f?.content ?? null, tag: f?.tag ?? null };
    };
    replace = async (path: string, content: string, expectedTag: string | null) => {
        this.onReplace?.(path);
        if ((this.files.get(path)?.tag ?? null) !== expectedTag)
            throw Object.assign(new Error("changed"), { problem: "change-conflict" });
        return this.write(path, content);
    };
    get(path: string): string | null {
        return this.files.get(path)?.content ?? null;
    }
    /** Someone else writes the file: a new content and a new tag. */
    touch(path: string, content: string): void {
        this.write(path, content);
    }
    private write(path: string, content: string): string {
        const tag = String(this.next++);
        this.files.set(path, { content, tag });
        return tag;
    }
}

/**
 * QEMU's dirty-rate measurement as libvirt shows it: one period at a time (a second calc-dirty-rate while one runs
 * fails with QEMU's "the dirty rate is already being measured"), calc_status 1 while measuring, 2 once measured.
 * The clock moves only when someone sleeps.
 */
export function qemuDirtyRate(mibs = 16) {
    let clock = 0,
        until = -1,
        measured = false,
        period = 0;
    const calcs: number[] = [];
    const runner: Runner = {
        run: async (_t, argv) => {
            if (argv[3] === "domdirtyrate-calc") {
                if (clock < until)
                    throw new RunError(
                        "exit-status",
                        "calc failed",
                        argv,
                        1,
                        "error: internal error: unable to execute QEMU command 'calc-dirty-rate': the dirty rate is already being measured.",
                    );
                period = Number(argv[argv.indexOf("--seconds") + 1]);
                until = clock + period * 1000;
                measured = false;
                calcs.push(period);
                return "";
            }
            if (argv[3] === "domstats") {
                if (clock < until) return "Domain: 'vm'\n  dirtyrate.calc_status=1\n";
                if (until >= 0) measured = true;
                return measured
                    ? `Domain: 'vm'\n  dirtyrate.calc_status=2\n  dirtyrate.calc_period=${period}\n  dirtyrate.megabytes_per_second=${mibs}\n`
                    : "Domain: 'vm'\n  dirtyrate.calc_status=0\n";
            }
            throw new Error(`unexpected ${argv.join(" ")}`);
        },
    };
    const sleep = async (ms: number) => {
        clock += ms;
        await Promise.resolve();
    };
    return { runner, sleep, calcs, startElsewhere: (s: number) => ((until = clock + s * 1000), (period = s)) };
}
