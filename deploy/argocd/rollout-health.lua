-- Argo CD health of a Vane Rollout (vane.dev/Rollout). Written for Lua 5.1, the dialect of Argo CD's interpreter.
--   Progressing: the controller has not yet observed the latest spec, or it is stepping through the rollout,
--                including a timed pause step that ends by itself;
--   Suspended:   paused and waiting for a person (a pause step without duration, a user pause, inconclusive
--                analysis, or blue-green waiting for promotion);
--   Degraded:    aborted (analysis failed, progress deadline, a person) or an invalid spec (Stalled);
--   Healthy:     the stable revision serves all traffic.
local hs = {}

local function conditionIsTrue(status, conditionType)
  if status.conditions == nil then
    return false
  end
  for _, condition in ipairs(status.conditions) do
    if condition.type == conditionType and condition.status == "True" then
      return true
    end
  end
  return false
end

-- The canary step the Rollout is paused at has a duration: the pause ends without anyone acting.
local function atTimedPauseStep(spec, status)
  if spec == nil or spec.strategy == nil or spec.strategy.canary == nil or spec.strategy.canary.steps == nil then
    return false
  end
  if status.currentStepIndex == nil then
    return false
  end
  local step = spec.strategy.canary.steps[status.currentStepIndex + 1]
  return step ~= nil and step.pause ~= nil and step.pause.duration ~= nil
end

local function waitsForPerson(spec, status)
  if status.pauseConditions == nil or #status.pauseConditions == 0 then
    return true
  end
  for _, pause in ipairs(status.pauseConditions) do
    if pause.reason ~= "CanaryPauseStep" or not atTimedPauseStep(spec, status) then
      return true
    end
  end
  return false
end

local function messageOf(status, fallback)
  if status.message ~= nil and status.message ~= "" then
    return status.message
  end
  return fallback
end

local status = obj.status
local generation = obj.metadata.generation
if status == nil or status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for Vane to observe the Rollout"
elseif generation ~= nil and status.observedGeneration ~= generation then
  hs.status = "Progressing"
  hs.message = "Waiting for Vane to observe generation " .. tostring(generation) .. " (status is of generation " .. tostring(status.observedGeneration) .. ")"
elseif status.phase == "Degraded" or conditionIsTrue(status, "Stalled") or conditionIsTrue(status, "InvalidSpec") then
  hs.status = "Degraded"
  hs.message = messageOf(status, "Rollout is degraded")
elseif status.phase == "Paused" then
  if waitsForPerson(obj.spec, status) then
    hs.status = "Suspended"
  else
    hs.status = "Progressing"
  end
  hs.message = messageOf(status, "Rollout is paused")
elseif status.phase == "Healthy" then
  hs.status = "Healthy"
  hs.message = messageOf(status, "Rollout is healthy")
else
  hs.status = "Progressing"
  hs.message = messageOf(status, "Rollout is progressing")
end
return hs
