#!/usr/bin/env python3
"""Summarises a dotnet-trace speedscope file (dotnet-sampled-thread-time) for bench/profile.sh: samples whose
innermost frame is a thread waiting (idle thread-pool workers, blocked I/O) are dropped, so what remains is time on a
core; prints the methods most often on the stack of those samples (inclusive) and at its top (exclusive).

Also reads perf's files (`perf record -g -p PID`, as bench/hooks-upload.sh's PERF=<folder> makes them; with
DOTNET_PerfMapEnabled=1 perf finds the JIT's symbols): every sample is on a core there, and each stack starts with its
thread's name ("thread .NET TP Worker"), so the JIT's background thread and the kernel's share show apart. Several files
add up; PER=<n> also prints samples per unit (per upload, say)."""
import json, os, re, subprocess, sys, collections

IDLE = ("WaitHandle", "LowLevelLifoSemaphore", "Monitor.Wait", "SpinWait", "Thread.Sleep", "WaitOne", "Interop+Sys.Poll",
        "Interop+Sys.WaitForSocketEvents", "epoll", "UNMANAGED_CODE_TIME", "LowLevelMonitor", "SemaphoreSlim.Wait",
        "Interop+Sys.Read(", "ManualResetEventSlim.Wait", "Thread.Join", "CPU_TIME", "WorkerThreadStart()",
        "SocketAsyncEngine.EventLoop()", "?!?", "Thread (", "Process64 ", "Threads", "(Non-Activities)")

def perf_stacks(paths):
    """(stack outermost first, weight) of each sample of perf.data files, through `perf script`."""
    for path in paths:
        script = subprocess.run(["perf", "script", "-i", path, "-F", "comm,ip,sym,dso"], capture_output=True, text=True,
                                errors="replace", check=True).stdout
        for block in script.split("\n\n"):
            lines = [l for l in block.splitlines() if l.strip()]
            if not lines: continue
            frames = []
            for line in lines[1:]:
                parts = line.strip().split(None, 1)
                sym = parts[1] if len(parts) > 1 else "?"
                dso = sym[sym.rfind(" ("):].strip(" ()") if sym.endswith(")") else ""
                sym = sym[:sym.rfind(" (")] if dso else sym
                if sym == "[unknown]": sym = f"[unknown {os.path.basename(dso)}]"
                # Method tables' addresses differ between processes: left out, so two servers' profiles compare.
                frames.append(re.sub(r" /\* MT: 0x[0-9a-f]+ \*/", "", sym.split("+0x")[0]))
            yield ["thread " + lines[0].strip()] + frames[::-1], 1

def perf_main(paths, top, focus):
    inclusive, exclusive, busy = collections.Counter(), collections.Counter(), 0
    for names, weight in perf_stacks(paths):
        if focus and not any(focus in n for n in names): continue
        busy += weight
        exclusive[names[-1]] += weight
        for name in set(names): inclusive[name] += weight
    per = float(os.environ.get("PER", "0"))
    print(f"samples: {busy}" + (f" ({busy / per:.3f} per unit of {per:.0f})" if per else ""))
    for title, counter in (("inclusive", inclusive), ("exclusive", exclusive)):
        print(f"\n== {title} (share of samples; per unit)")
        for name, w in counter.most_common(top):
            print(f"{100 * w / busy:6.1f}%  {w / per if per else 0:7.4f}  {name[:180]}")

def main(path, top=35, focus=None):
    if path.endswith(".data"): return perf_main(path.split(","), top, focus)
    data = json.load(open(path))
    frames = [f["name"] for f in data["shared"]["frames"]]
    inclusive, exclusive, busy = collections.Counter(), collections.Counter(), 0.0
    def account(stack, weight):
        nonlocal busy
        if not stack or weight <= 0: return
        leaf = frames[stack[-1]]
        if any(marker in leaf for marker in IDLE): return
        names = [frames[i] for i in stack if not frames[i].startswith(("Thread (", "Process64 ", "Threads", "(Non-Activities)"))]
        if focus and not any(focus in n for n in names): return
        busy += weight
        exclusive[leaf] += weight
        for name in set(names): inclusive[name] += weight
    for profile in data["profiles"]:
        if profile["type"] == "sampled":
            for stack, weight in zip(profile["samples"], profile.get("weights") or [1] * len(profile["samples"])):
                account(stack, weight)
            continue
        stack, last = [], profile["startValue"]
        for event in profile["events"]:
            account(stack, event["at"] - last)
            last = event["at"]
            if event["type"] == "O": stack.append(event["frame"])
            elif stack: stack.pop()
    print(f"busy thread time: {busy:.0f} ms")
    def show(title, counter):
        print(f"\n== {title}")
        for name, w in counter.most_common(top):
            print(f"{100 * w / busy:6.1f}%  {name[:200]}")
    show("inclusive (share of busy samples with the method on the stack)", inclusive)
    show("exclusive (share of busy samples with the method on top)", exclusive)

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 35, sys.argv[3] if len(sys.argv) > 3 else None)
