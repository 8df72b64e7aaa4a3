-- wrk script for scripts/bench-intake: replays the requests bench/SignRequests.java signed, each
-- once. Each wrk thread reads its own file of fixed-size records (the whole HTTP request), so the
-- generator does no work per request but a read: no HMAC, no formatting, no string building.
--
--   wrk -t T -c C -d D -s bench/intake.lua http://127.0.0.1:18080 -- PREFIX RECORD_SIZE
--
-- A file that runs out starts over (its events then come back as duplicates): 'wrapped' says so,
-- and the script refuses such a run.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   size = tonumber(args[2])
   file = assert(io.open(args[1] .. "." .. id, "rb"))
   wrapped = 0
end

function request()
   local record = file:read(size)
   if record == nil or #record < size then
      wrapped = wrapped + 1
      file:seek("set", 0)
      record = file:read(size)
   end
   return record
end

function done(summary, latency, requests)
   local wraps = 0
   for _, thread in ipairs(threads) do
      wraps = wraps + thread:get("wrapped")
   end
   local errors = summary.errors
   io.write(string.format(
      "WRK requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
      "p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d wrapped=%d\n",
      summary.requests, summary.duration, errors.connect, errors.read, errors.write, errors.status,
      errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.max, wraps))
end
