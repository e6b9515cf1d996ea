"""The group's world as values and the rules over them: models, 序时进度 and lights, notices and
escalation, the problem list, who may record what. Pure: no I/O, `today` is passed in."""
