"""Step 3, Launch: BinderHub builds, launch links and badges, the README badge, build logs, triage."""
