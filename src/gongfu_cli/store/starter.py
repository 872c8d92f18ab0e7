"""The commented starter file written by `gongfu init --empty`."""

EMPTY_TEMPLATE = """\
# A gongfu data file. The format: see docs/data-format.md in gongfu's documentation.
# Check it with `gongfu check`; add readings with `gongfu record BUS INDICATOR VALUE`.

[program]
name = "我的共富班车"          # shown as the title of `gongfu list`
region = "浙江省湖州市"
# report_days = 10            # optional: a period's figures are due this many days after it ends
# meeting = "monthly"         # optional: how often the follow-up meeting assesses
# reply_days = 7              # optional: a 督办 notice is answered within this many days
# [[program.escalation]]      # optional, repeated: the follow-up ladder (gongfu followup)
# light = "red"               # red, yellow or missing
# streak = 2                  # from this many meetings in a row
# action = "约谈"

# One [[buses]] table per bus line.
[[buses]]
id = "example-bus"            # lower-case ASCII letters, digits and hyphens; unique
name = "示例班车"              # unique
batch = 1
launched = 2022-01-04
due = 2025-12-31              # optional: the default due date of its indicators
lead = "牵头单位"              # or an array for joint leads: ["单位甲", "单位乙"]
field = "交通"
summary = "一句话说明这趟班车做什么。"  # optional
# source = "…"               # optional: where the facts come from

  # One [[buses.indicators]] table per target; without `target` it is only monitored.
  [[buses.indicators]]
  id = "coverage"
  name = "覆盖率"
  unit = "%"
  target = 100
  baseline = 0                # optional, default 0; a target below the baseline works too
  # start = 2022-01-04        # optional, default: the bus's `launched`
  # due = 2025-12-31          # optional, default: the bus's `due`
  # weight = 1                # optional, > 0: its share of the bus's attainment

# Readings: the level of an indicator on a date. `gongfu record` appends them here.
# [[readings]]
# bus = "example-bus"
# indicator = "coverage"
# date = 2023-06-30
# value = 45
# source = "2023年半年报"
"""
