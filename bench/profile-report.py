#!/usr/bin/env python3
"""Summarises a dotnet-trace speedscope file (dotnet-sampled-thread-time) for bench/profile.sh: samples whose
innermost frame is a thread waiting (idle thread-pool workers, blocked I/O) are dropped, so what remains is time on a
core; prints the methods most often on the stack of those samples (inclusive) and at its top (exclusive)."""
import json, sys, collections

IDLE = ("WaitHandle", "LowLevelLifoSemaphore", "Monitor.Wait", "SpinWait", "Thread.Sleep", "WaitOne", "Interop+Sys.Poll",
        "Interop+Sys.WaitForSocketEvents", "epoll", "UNMANAGED_CODE_TIME", "LowLevelMonitor", "SemaphoreSlim.Wait",
        "Interop+Sys.Read(", "ManualResetEventSlim.Wait", "Thread.Join", "CPU_TIME", "WorkerThreadStart()",
        "SocketAsyncEngine.EventLoop()", "?!?", "Thread (", "Process64 ", "Threads", "(Non-Activities)")

def main(path, top=35, focus=None):
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
