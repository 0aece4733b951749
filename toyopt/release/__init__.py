"""Generated student material: the stubs of `exercises/` (`stubs`) and the student kit
(`kit`, with the runtime's wheel from `wheel`), both from `toyopt_ref`'s solution regions."""
