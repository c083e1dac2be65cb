import Foundation

/// How busy the whole machine's CPUs were between two readings of /proc/stat: a load run whose
/// cores were all busy was limited by CPU, one with idle cores by something that serialises it
/// (a lock, a round trip waited for).
struct MachineCPU {
    private let busy: Double
    private let total: Double

    /// Now, or nil where the kernel does not say (not Linux).
    init?() {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal: idle and iowait are time no one ran.
        total = ticks.prefix(8).reduce(0, +)
        busy = total - ticks[3] - ticks[4]
    }

    /// The share of the CPUs' time that was busy since `earlier`, 0…1.
    func busyShare(since earlier: MachineCPU) -> Double? {
        let elapsed = total - earlier.total
        guard elapsed > 0 else { return nil }
        return (busy - earlier.busy) / elapsed
    }
}
