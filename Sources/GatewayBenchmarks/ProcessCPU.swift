import Foundation

/// The CPU time a process has used so far (user and system, all its threads), from
/// /proc/<pid>/stat: steadier than messages per second on a machine the load generator shares,
/// and it says what a message costs the gateway.
struct ProcessCPU {
    let pids: [Int32]

    init(pid: Int32) { pids = [pid] }
    init(pids: [Int32]) { self.pids = pids }

    /// Seconds of CPU of all the processes together, or nil where /proc is not there to tell.
    func seconds() -> Double? {
        var total = 0.0
        for pid in pids {
            guard let seconds = Self.seconds(of: pid) else { return nil }
            total += seconds
        }
        return total
    }

    private static func seconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ")", options: .backwards) else { return nil }
        // After "pid (name)": state is field 3, utime field 14 and stime field 15.
        let fields = stat[afterName.upperBound...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
