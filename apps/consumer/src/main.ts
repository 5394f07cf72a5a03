import { runApp } from "@pt/runtime/Main"
import { runConsumer } from "./Consumer.ts"

runApp("consumer", runConsumer)
