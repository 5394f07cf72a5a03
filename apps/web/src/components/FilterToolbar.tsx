import {
  Button,
  Form,
  FormSelect,
  FormSelectOption,
  Label,
  LabelGroup,
  TextInput,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core"
import { type FormEvent, useEffect, useState } from "react"

/**
 * One labelled text box per filter (exact match, AND-ed by the API). Enter or "Apply" applies them all;
 * active filters show as removable labels so the current view is always readable.
 */
export const FilterToolbar = (props: {
  readonly names: ReadonlyArray<string>
  /** Filters that take one of a few words get a select (with "any") instead of a text box. */
  readonly choices: Readonly<Record<string, ReadonlyArray<string>>>
  readonly filters: Readonly<Record<string, string>>
  readonly onApply: (filters: Record<string, string>) => void
}) => {
  const [draft, setDraft] = useState<Record<string, string>>({ ...props.filters })
  // The URL is the source of truth: a click-to-filter or back button must show up in the boxes.
  useEffect(() => setDraft({ ...props.filters }), [props.filters])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const applied: Record<string, string> = {}
    for (const [name, value] of Object.entries(draft)) if (value.trim()) applied[name] = value.trim()
    props.onApply(applied)
  }
  const remove = (name: string) => {
    const { [name]: _removed, ...rest } = props.filters
    props.onApply(rest)
  }
  const active = Object.entries(props.filters)

  return (
    <Form onSubmit={submit} aria-label="Filters" className="pt-filters">
      <Toolbar inset={{ default: "insetNone" }}>
        <ToolbarContent>
          {props.names.map((name) => (
            <ToolbarItem key={name}>
              {props.choices[name] ? (
                <FormSelect
                  id={`filter-${name}`}
                  aria-label={`Filter by ${name}`}
                  value={draft[name] ?? ""}
                  onChange={(_event, value) => {
                    // A select has no Enter: picking a word applies it, like a click on a cell does.
                    const next = { ...props.filters, [name]: value }
                    if (!value) delete next[name]
                    props.onApply(next)
                  }}
                >
                  <FormSelectOption value="" label={`${name}: any`} />
                  {props.choices[name]!.map((word) => (
                    <FormSelectOption key={word} value={word} label={`${name}: ${word}`} />
                  ))}
                </FormSelect>
              ) : (
                <TextInput
                  id={`filter-${name}`}
                  aria-label={`Filter by ${name}`}
                  placeholder={name}
                  value={draft[name] ?? ""}
                  onChange={(_event, value) => setDraft((d) => ({ ...d, [name]: value }))}
                />
              )}
            </ToolbarItem>
          ))}
          <ToolbarItem>
            <Button type="submit" variant="secondary">
              Apply filters
            </Button>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {active.length > 0 && (
        <LabelGroup categoryName="Active filters" numLabels={10} className="pt-filters__active">
          {active.map(([name, value]) => (
            <Label
              key={name}
              variant="outline"
              onClose={() => remove(name)}
              closeBtnAriaLabel={`Remove filter ${name}`}
            >
              {name} = {value}
            </Label>
          ))}
        </LabelGroup>
      )}
    </Form>
  )
}
