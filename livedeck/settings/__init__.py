"""What a build is told: the course's settings (course.toml, front matter) and the build's options."""
