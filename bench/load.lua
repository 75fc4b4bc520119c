-- wrk script: GET the paths listed in a file (one a line), in turn, and print
-- the figures as one JSON line at the end.  Each wrk thread starts at its own place.
local paths = {}
local next_path = 1
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("number", thread_count)
end

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  next_path = (tonumber(wrk.thread:get("number")) or 1) * 97 % #paths
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, '
    .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p95_us": %d, '
    .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
