import Foundation

/// The CPU time a process has used so far (user and system, all its threads): steadier than
/// messages per second on a machine the load generator shares, and it says what a message costs
/// the gateway.
public struct ProcessCPU: Sendable {
    let pids: [Int32]

    public init(pid: Int32) { pids = [pid] }
    public init(pids: [Int32]) { self.pids = pids }

    /// Seconds of CPU of all the processes together, or nil where the kernel does not tell.
    public func seconds() -> Double? {
        var total = 0.0
        for pid in pids {
            guard let seconds = Self.seconds(of: pid) else { return nil }
            total += seconds
        }
        return total
    }

    /// The kernel's exact count of the time the process's threads ran (the exited ones too),
    /// through its CPU-time clock; /proc's utime and stime are sampled at each tick, which charges
    /// short bursts of work (one request) whole ticks or none.
    private static func seconds(of pid: Int32) -> Double? {
        var clock = clockid_t()
        guard clock_getcpuclockid(pid, &clock) == 0 else { return nil }
        var time = timespec()
        guard clock_gettime(clock, &time) == 0 else { return nil }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
