-- wrk script: one cookie-banner decision per request, a fresh random visitor id each time,
-- sent the way banner.js sends it (text/plain JSON from the micropim.net origin).
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local hex = "0123456789abcdef"

local function visitor()
  local t = {}
  for i = 1, 32 do
    local n = math.random(1, 16)
    t[i] = hex:sub(n, n)
  end
  return table.concat(t)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
wrk.headers["Origin"] = "https://micropim.net"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

request = function()
  local analytics = math.random() < 0.5 and "true" or "false"
  local body = '{"visitor_id":"' .. visitor() .. '","necessary":true,"analytics":' .. analytics ..
    ',"marketing":false,"policy_version":"1.0","banner_version":"1","gpc":false}'
  return wrk.format(nil, nil, nil, body)
end

-- Count non-2xx answers so a run full of 4xx/5xx cannot pass for a fast one.
local bad = 0
response = function(status, headers, body)
  if status ~= 201 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50_us=%d p90_us=%d p99_us=%d max_us=%d requests=%d non2xx_errors=%d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.requests, summary.errors.status))
end
