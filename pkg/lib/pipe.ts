/**
 * A copy pipeline with progress: `reader | dd status=progress | writer`, run by bash (pipefail).
 * The reader's and writer's stderr are kept in files and printed after the pipeline: written
 * straight into the same stderr as dd's progress, their messages got interleaved mid-line
 * ("dd: 0+1 records in…failed to open"). The script is a constant; both argvs arrive as positional
 * parameters (the reader's word count first). Used by the NFS image copy and the cold move.
 */
const PIPE = [
    'n=$1; shift; r=("${@:1:$n}"); shift "$n"; set -o pipefail',
    "t=$(mktemp -d) || exit 1",
    '"${r[@]}" 2> "$t/reader" | dd bs=4M iflag=fullblock status=progress | "$@" 2> "$t/writer"; s=$?',
    'cat -- "$t/reader" "$t/writer" >&2; rm -rf -- "$t"; exit "$s"',
].join("\n");

export function progressPipeArgv(reader: readonly string[], writer: readonly string[]): string[] {
    return ["bash", "-c", PIPE, "copy", String(reader.length), ...reader, ...writer];
}
