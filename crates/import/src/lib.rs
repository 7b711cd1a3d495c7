//! Reads the plan documents councils already have into a [`PlanDocument`].
