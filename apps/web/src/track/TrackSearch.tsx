import {
  Button,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  InputGroup,
  InputGroupItem,
  TextInput,
} from "@patternfly/react-core"
import { normalizeRequestId } from "@pt/domain/RequestId"
import { type FormEvent, useEffect, useState } from "react"

const INVALID_REQUEST_ID =
  "A request_id is 32 hexadecimal characters (e.g. 3f2b…) or a dashed UUID (8-4-4-4-12). Check for missing or extra characters."

/** The request_id box: validated with the domain's own rule before anything is asked of the API. */
export const TrackSearch = (props: {
  readonly value: string
  readonly onSearch: (requestId: string) => void
}) => {
  const [text, setText] = useState(props.value)
  const [invalid, setInvalid] = useState(false)
  useEffect(() => {
    setText(props.value)
    setInvalid(props.value !== "" && normalizeRequestId(props.value) === undefined)
  }, [props.value])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const id = normalizeRequestId(text)
    setInvalid(id === undefined)
    if (id !== undefined) props.onSearch(id)
  }
  return (
    <Form onSubmit={submit} aria-label="Track a payload">
      <FormGroup label="request_id" fieldId="track-request-id">
        <InputGroup>
          <InputGroupItem isFill>
            <TextInput
              id="track-request-id"
              name="request_id"
              value={text}
              validated={invalid ? "error" : "default"}
              aria-describedby="track-request-id-helper"
              placeholder="32 hex characters or a dashed UUID"
              onChange={(_event, value) => setText(value)}
            />
          </InputGroupItem>
          <InputGroupItem>
            <Button type="submit" variant="primary">
              Track
            </Button>
          </InputGroupItem>
        </InputGroup>
        <FormHelperText>
          <HelperText id="track-request-id-helper">
            <HelperTextItem variant={invalid ? "error" : "default"} {...(invalid ? { role: "alert" } : {})}>
              {invalid ? INVALID_REQUEST_ID : "Paste the id from the upload's response or a log line."}
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>
    </Form>
  )
}
