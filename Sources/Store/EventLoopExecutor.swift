import NIOCore

/// Runs a task's jobs on one NIO event loop. A store call on PostgreSQL prefers the loop its
/// connection reads on: each statement's answer then resumes the call on the thread that read
/// it, instead of waking a thread of the global pool once per statement.
final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
